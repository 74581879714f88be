/* The configured media gateways (one MGCP call agent each) and which
 * ISUP trunk uses which.
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

static void cc_media_gw_rsip_cb(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv)
{
	cc_media_gw_rsip(priv, cmd);
}

static const struct mgcp_ca_ops cc_media_gw_ops = {
	.rsip = cc_media_gw_rsip_cb,
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
	INIT_LLIST_HEAD(&gw->users);
	llist_add_tail(&gw->list, &g_cc_media->gws);
	g_cc_media->n_gws++;
	/* a gateway configured at run time starts at once */
	if (g_cc_media->started && mgcp_ca_start(gw->ca) < 0)
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
		rc = mgcp_ca_start(gw->ca);
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
		mgcp_ca_stop(gw->ca);
	}
}
