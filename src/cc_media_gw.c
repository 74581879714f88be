/* The configured media gateways (an MGCP call agent or an H.248
 * controller each) and which ISUP trunk uses which.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/logging.h>

#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/tandem_log.h"

struct cc_media_global *g_cc_media;

const struct value_string cc_media_proto_names[] = {
	{ CC_MEDIA_PROTO_MGCP, "mgcp" },
	{ CC_MEDIA_PROTO_H248, "h248" },
	{ 0, NULL }
};

static void cc_media_gw_rsip_cb(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv)
{
	cc_media_gw_rsip(priv, cmd);
}

static void cc_media_gw_ntfy_cb(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv)
{
	cc_media_mgcp_ntfy(priv, cmd);
}

static const struct mgcp_ca_ops cc_media_gw_ops = {
	.rsip = cc_media_gw_rsip_cb,
	.ntfy = cc_media_gw_ntfy_cb,
};

struct cc_media_gw *cc_media_gw_find(const char *name)
{
	struct cc_media_gw *gw;

	if (!g_cc_media || !name)
		return NULL;
	llist_for_each_entry(gw, &g_cc_media->gws, list)
		if (!strcmp(gw->ca->cfg.name, name))
			return gw;
	return NULL;
}

struct cc_media_gw *cc_media_gw_get(const char *name)
{
	struct cc_media_gw *gw = cc_media_gw_find(name);

	if (gw)
		return gw;
	if (!g_cc_media || g_cc_media->n_gws >= CC_MEDIA_GW_MAX || strlen(name) >= MGCP_CA_NAME_MAX)
		return NULL;
	gw = talloc_zero(g_cc_media->ctx, struct cc_media_gw);
	if (!gw)
		return NULL;
	gw->ca = mgcp_ca_alloc(gw, name, g_cc_media->next_idx++);
	if (!gw->ca) {
		talloc_free(gw);
		return NULL;
	}
	gw->ca->ops = &cc_media_gw_ops;
	gw->ca->priv = gw;
	gw->proto = CC_MEDIA_PROTO_MGCP;
	gw->pops = &cc_media_mgcp_ops;
	INIT_LLIST_HEAD(&gw->users);
	llist_add_tail(&gw->list, &g_cc_media->gws);
	g_cc_media->n_gws++;
	/* a gateway configured at run time starts at once */
	if (g_cc_media->started && cc_media_gw_start(gw) < 0)
		LOGP(DMGCP, LOGL_ERROR, "mgw %s: not started (see above)\n", name);
	return gw;
}

void cc_media_gw_ctr(struct cc_media_gw *gw, enum mgcp_ca_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(gw->ca->ctrs, c));
}

int cc_media_trunk_set(const char *trunk, const char *gw)
{
	unsigned int i, free_slot = CC_MEDIA_TRUNKS_MAX;

	if (strlen(trunk) >= sizeof(g_cc_media->trunks[0].trunk) || (gw && strlen(gw) >= MGCP_CA_NAME_MAX))
		return -EINVAL;
	for (i = 0; i < CC_MEDIA_TRUNKS_MAX; i++) {
		if (!g_cc_media->trunks[i].trunk[0]) {
			if (free_slot == CC_MEDIA_TRUNKS_MAX)
				free_slot = i;
			continue;
		}
		if (strcmp(g_cc_media->trunks[i].trunk, trunk))
			continue;
		if (gw)
			osmo_strlcpy(g_cc_media->trunks[i].gw, gw, sizeof(g_cc_media->trunks[i].gw));
		else
			memset(&g_cc_media->trunks[i], 0, sizeof(g_cc_media->trunks[i]));
		return 0;
	}
	if (!gw)
		return 0;
	if (free_slot == CC_MEDIA_TRUNKS_MAX)
		return -ENOSPC;
	osmo_strlcpy(g_cc_media->trunks[free_slot].trunk, trunk, sizeof(g_cc_media->trunks[0].trunk));
	osmo_strlcpy(g_cc_media->trunks[free_slot].gw, gw, sizeof(g_cc_media->trunks[0].gw));
	return 0;
}

const char *cc_media_trunk_gw(const char *trunk)
{
	unsigned int i;

	if (!g_cc_media || !trunk)
		return NULL;
	for (i = 0; i < CC_MEDIA_TRUNKS_MAX; i++)
		if (g_cc_media->trunks[i].trunk[0] && !strcmp(g_cc_media->trunks[i].trunk, trunk))
			return g_cc_media->trunks[i].gw;
	return NULL;
}

int cc_media_core_init(void *ctx)
{
	g_cc_media = talloc_zero(ctx, struct cc_media_global);
	if (!g_cc_media)
		return -ENOMEM;
	g_cc_media->ctx = g_cc_media;
	INIT_LLIST_HEAD(&g_cc_media->gws);
	return cc_media_fsm_init();
}

int cc_media_init(void *ctx)
{
	int rc = cc_media_core_init(ctx);

	if (rc < 0)
		return rc;
	cc_media_vty_init();
	return 0;
}

int cc_media_start(void)
{
	struct cc_media_gw *gw;
	int rc;

	if (!g_cc_media)
		return 0;
	llist_for_each_entry(gw, &g_cc_media->gws, list) {
		rc = cc_media_gw_start(gw);
		if (rc < 0)
			return rc;
	}
	g_cc_media->started = true;
	return 0;
}

void cc_media_stop(void)
{
	struct cc_media_gw *gw;

	if (!g_cc_media)
		return;
	g_cc_media->started = false;
	llist_for_each_entry(gw, &g_cc_media->gws, list) {
		if (gw->test) {
			TALLOC_FREE(gw->test);
		}
		gw->pops->stop(gw);
	}
}

int cc_media_gw_start(struct cc_media_gw *gw)
{
	return gw->pops->start(gw);
}

int cc_media_gw_set_proto(struct cc_media_gw *gw, enum cc_media_proto proto)
{
	const struct cc_media_proto_ops *pops = proto == CC_MEDIA_PROTO_H248 ? &cc_media_h248_ops
									      : &cc_media_mgcp_ops;
	int rc = 0;

	if (gw->proto == proto)
		return 0;
	/* the calls of the old protocol keep their media until they end */
	if (!llist_empty(&gw->users))
		return -EBUSY;
	gw->pops->stop(gw);
	if (proto == CC_MEDIA_PROTO_H248 && !gw->h248) {
		gw->h248 = h248_ca_alloc(gw, gw->ca->cfg.name, g_cc_media->next_idx++);
		if (!gw->h248)
			return -ENOMEM;
		cc_media_h248_setup(gw);
	}
	gw->proto = proto;
	gw->pops = pops;
	if (g_cc_media->started)
		rc = cc_media_gw_start(gw);
	return rc;
}

struct osmo_tdef *cc_media_gw_tdefs(struct cc_media_gw *gw)
{
	return gw->proto == CC_MEDIA_PROTO_H248 ? gw->h248->tdefs : gw->ca->tdefs;
}
