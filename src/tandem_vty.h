/* tandemd's VTY: nodes and set-up. */
#pragma once

#include <osmocom/vty/command.h>

/*! tandemd's own VTY nodes, all in one place so that ids never collide. */
enum tandem_vty_node {
	SIP_NODE = _LAST_OSMOVTY_NODE + 1,
	CDR_NODE,
	ISUP_TRUNK_NODE,
	CC_NODE,
	CC_ROUTE_NODE,
	SIP_TRUNK_NODE,
	MGCP_GW_NODE,
};

/*! Default telnet port of tandemd's VTY. */
#define TANDEM_VTY_PORT 4280

/*! Install the VTY with every command tandemd has. */
void tandem_vty_init(void *ctx);

/*! Install the "sip" node (src/sip_vty.c). */
void sip_vty_init(void);

/*! Leaving the "sip" node: apply a changed bind to the running agent. */
int sip_vty_go_parent(struct vty *vty);
