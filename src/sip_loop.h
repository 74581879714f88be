/* Sofia-SIP inside the libosmocore select loop.
 *
 * Sofia runs its reactor on a GLib main context (su_glib).  We never run a
 * GLib main loop: before each osmo_select_main_ctx() pass we ask the context
 * which fds it polls and when its next timer is due, mirror those as osmo_fds
 * and an osmo_timer, and after the pass let GLib check and dispatch.  The
 * osmocom loop stays the only place the process blocks, and Sofia's protocol
 * timers (SIP T1/T2 retransmissions, timer B/F/H...) fire on time even when
 * no fd is active.
 */
#pragma once

#include <stdbool.h>

#include <sofia-sip/su_wait.h>

struct sip_loop;

/*! Create the bridge and its Sofia root under talloc @ctx; NULL on failure. */
struct sip_loop *sip_loop_alloc(void *ctx);

/*! The Sofia reactor root to give nua_create() and friends. */
su_root_t *sip_loop_root(struct sip_loop *loop);

/*! One loop iteration: mirror GLib's sources, block in osmo_select_main_ctx()
 *  (or only poll when @polling), then dispatch GLib.  Returns the result of
 *  osmo_select_main_ctx(). */
int sip_loop_iterate(struct sip_loop *loop, bool polling);

/*! Tear down the Sofia root and all mirrored fds. */
void sip_loop_free(struct sip_loop *loop);
