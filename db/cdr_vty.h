/* VTY for the CDR writer: the "cdr" config node and "show cdr". */
#pragma once

#include <osmocom/vty/command.h>

/* The cdr node's id, CDR_NODE, is in src/tandem_vty.h with the others. */
#include "src/tandem_vty.h"

/*! Install the "cdr" node and the show commands. */
void cdr_vty_init(void);

/*! Leaving the "cdr" node: apply a changed connection string. */
int cdr_vty_go_parent(struct vty *vty);
