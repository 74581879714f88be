/* VTY for the CDR writer. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "db/cdr_schema.h"
#include "db/cdr_spool.h"
#include "db/cdr_vty.h"
#include "db/cdr_writer.h"

static struct cmd_node cdr_node = {
	CDR_NODE,
	"%s(config-cdr)# ",
	1,
};

int cdr_vty_go_parent(struct vty *vty)
{
	/* A config file is applied by tandemd's start-up, not node by node. */
	if (vty->node == CDR_NODE && vty->type != VTY_FILE && g_cdr)
		cdr_writer_apply_cfg(g_cdr);
	return 0;
}

static void note_restart(struct vty *vty, const char *what)
{
	if (vty->type != VTY_FILE && g_cdr->started)
		vty_out(vty, "%% %s takes effect when tandemd restarts%s", what, VTY_NEWLINE);
}

DEFUN(cfg_cdr, cfg_cdr_cmd, "cdr", "Configure call detail records (billing)\n")
{
	g_cdr->configured = true;
	vty->node = CDR_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_connection, cfg_cdr_connection_cmd, "connection .CONNINFO",
      "PostgreSQL database that receives the records\n"
      "libpq connection string, e.g. host=/run/postgresql dbname=tandem\n")
{
	char *ci = argv_concat(argv, argc, 0);

	if (!ci)
		return CMD_WARNING;
	if (!g_cdr->cfg.conninfo || strcmp(g_cdr->cfg.conninfo, ci)) {
		osmo_talloc_replace_string(g_cdr, &g_cdr->cfg.conninfo, ci);
		g_cdr->reconnect_pending = true;
	}
	talloc_free(ci);
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_no_connection, cfg_cdr_no_connection_cmd, "no connection",
      NO_STR "Keep records in the spool only\n")
{
	if (g_cdr->cfg.conninfo) {
		TALLOC_FREE(g_cdr->cfg.conninfo);
		g_cdr->reconnect_pending = true;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_spool_path, cfg_cdr_spool_path_cmd, "spool-path PATH",
      "Local file that holds records until the database has them\n" "File name\n")
{
	if (strlen(argv[0]) > 4000) {
		vty_out(vty, "%% spool path too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_cdr, &g_cdr->cfg.spool_path, argv[0]);
	note_restart(vty, "a new spool path");
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_spool_max, cfg_cdr_spool_max_cmd, "spool-max-size <16-1073741824>",
      "Most spool backlog before records are refused (alarm)\n" "Kilobytes (1024 bytes)\n")
{
	g_cdr->cfg.spool_max = strtoull(argv[0], NULL, 10) * 1024;
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_batch_size, cfg_cdr_batch_size_cmd, "batch-size <1-10000>",
      "Most records written to the database in one COPY\n" "Records\n")
{
	g_cdr->cfg.batch_size = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_instance, cfg_cdr_instance_cmd, "instance NAME",
      "Name of this tandemd, written into every record\n" "Up to 64 characters\n")
{
	if (strlen(argv[0]) > 64) {
		vty_out(vty, "%% instance name longer than 64 characters%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_cdr, &g_cdr->cfg.instance, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cdr_timer, cfg_cdr_timer_cmd, "timer " OSMO_TDEF_VTY_ARG_SET,
      "Configure a CDR writer timer\n" OSMO_TDEF_VTY_DOC_SET)
{
	return osmo_tdef_vty_set_cmd(vty, g_cdr->tdefs, argv);
}

static int cdr_config_write(struct vty *vty)
{
	const struct cdr_writer_cfg *cfg = &g_cdr->cfg;

	/* Without a cdr node tandemd records nothing, and writes no node. */
	if (!g_cdr->configured)
		return CMD_SUCCESS;
	vty_out(vty, "cdr%s", VTY_NEWLINE);
	vty_out(vty, " instance %s%s", cfg->instance, VTY_NEWLINE);
	if (cfg->conninfo)
		vty_out(vty, " connection %s%s", cfg->conninfo, VTY_NEWLINE);
	else
		vty_out(vty, " no connection%s", VTY_NEWLINE);
	vty_out(vty, " spool-path %s%s", cfg->spool_path, VTY_NEWLINE);
	vty_out(vty, " spool-max-size %" PRIu64 "%s", cfg->spool_max / 1024, VTY_NEWLINE);
	vty_out(vty, " batch-size %u%s", cfg->batch_size, VTY_NEWLINE);
	osmo_tdef_vty_write(vty, g_cdr->tdefs, " timer ");
	return CMD_SUCCESS;
}

DEFUN(show_cdr, show_cdr_cmd, "show cdr", SHOW_STR "CDR writer status\n")
{
	struct cdr_writer *w = g_cdr;
	uint64_t backlog = cdr_writer_spool_backlog(w);
	const char *state;

	if (!w->configured) {
		vty_out(vty, "CDR writer: not configured (no cdr node): call attempts are not "
			"recorded%s", VTY_NEWLINE);
		vty_out_rate_ctr_group(vty, " ", w->ctrs);
		return CMD_SUCCESS;
	}
	state = w->fi ? get_value_string(cdr_writer_state_names, w->fi->state) : "stopped";
	vty_out(vty, "CDR writer: %s%s", state, VTY_NEWLINE);
	vty_out(vty, " database: %s%s", w->cfg.conninfo ?: "(none: spool only)", VTY_NEWLINE);
	if (w->db_version >= 0)
		vty_out(vty, " schema version: %d (this tandemd: %d)%s", w->db_version,
			cdr_schema_latest(), VTY_NEWLINE);
	vty_out(vty, " queue depth: %" PRIu64 " records%s", cdr_writer_queue_depth(w), VTY_NEWLINE);
	vty_out(vty, " spool: %s, %" PRIu64 " of %" PRIu64 " bytes used%s", w->cfg.spool_path, backlog,
		w->cfg.spool_max, VTY_NEWLINE);
	if (w->alarm)
		vty_out(vty, " alarm: SPOOL FULL since %ld, %" PRIu64 " records refused%s",
			(long)w->alarm_since, w->dropped_since_alarm, VTY_NEWLINE);
	else
		vty_out(vty, " alarm: none%s", VTY_NEWLINE);
	vty_out(vty, " rows written: %" PRIu64 "%s", w->rows_written, VTY_NEWLINE);
	vty_out(vty, " failures: %" PRIu64 " (batches %" PRIu64 ", connects %" PRIu64
		", spool %" PRIu64 ")%s",
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_BATCH_FAILED)->current +
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_CONNECT_FAILED)->current +
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_SPOOL_WRITE_FAILED)->current +
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_SPOOL_READ_FAILED)->current,
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_BATCH_FAILED)->current,
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_CONNECT_FAILED)->current,
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_SPOOL_WRITE_FAILED)->current +
		rate_ctr_group_get_ctr(w->ctrs, CDR_CTR_SPOOL_READ_FAILED)->current, VTY_NEWLINE);
	if (w->last_error)
		vty_out(vty, " last error: %s%s", w->last_error, VTY_NEWLINE);
	vty_out(vty, " longest loop stall: %" PRIu64 " us (%" PRIu64 " us of CPU)%s",
		w->max_stall_ns / 1000, w->max_stall_cpu_ns / 1000, VTY_NEWLINE);
	vty_out_rate_ctr_group(vty, " ", w->ctrs);
	return CMD_SUCCESS;
}

DEFUN(show_cdr_timer, show_cdr_timer_cmd, "show cdr timer " OSMO_TDEF_VTY_ARG_T_OPTIONAL,
      SHOW_STR "CDR writer status\n" "Timers\n" OSMO_TDEF_VTY_DOC_T)
{
	return osmo_tdef_vty_show_cmd(vty, g_cdr->tdefs, argc > 0 ? argv[0] : NULL, NULL);
}

void cdr_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_cdr_cmd);
	install_node(&cdr_node, cdr_config_write);
	install_element(CDR_NODE, &cfg_cdr_connection_cmd);
	install_element(CDR_NODE, &cfg_cdr_no_connection_cmd);
	install_element(CDR_NODE, &cfg_cdr_spool_path_cmd);
	install_element(CDR_NODE, &cfg_cdr_spool_max_cmd);
	install_element(CDR_NODE, &cfg_cdr_batch_size_cmd);
	install_element(CDR_NODE, &cfg_cdr_instance_cmd);
	install_element(CDR_NODE, &cfg_cdr_timer_cmd);
	install_element_ve(&show_cdr_cmd);
	install_element_ve(&show_cdr_timer_cmd);
}
