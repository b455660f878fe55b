/* fl-loop-monitor.h: how late does a main context run?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FL_TYPE_LOOP_MONITOR (fl_loop_monitor_get_type ())
G_DECLARE_FINAL_TYPE (FlLoopMonitor, fl_loop_monitor, FL, LOOP_MONITOR, GObject)

#define FL_LOOP_MONITOR_STALL_US (100 * 1000)

typedef struct
{
  gint64 time_us;      /* when the observation ended */
  gint64 lateness_us;  /* how much later than asked */
  gint64 waiting_us;   /* of which the loop's thread waited for a CPU (0 if unknown) */
} FlLoopSample;

/**
 * FlStallCause:
 * @FL_STALL_HANDLER: the loop's own work (a handler computing or blocking) took the time;
 *   it would have frozen the window on an idle machine too
 * @FL_STALL_MACHINE_BUSY: the loop's thread was ready to run but waited for a CPU held by
 *   other programs; without them there would have been no stall
 */
typedef enum
{
  FL_STALL_HANDLER,
  FL_STALL_MACHINE_BUSY,
} FlStallCause;

typedef struct
{
  gint64       start_us;     /* monotonic: when the loop stopped answering */
  gint64       duration_us;  /* how long it did not answer */
  gint64       cpu_us;       /* CPU time the loop's thread used meanwhile */
  gint64       waiting_us;   /* time it was runnable but waited for a CPU */
  FlStallCause cause;
} FlLoopStall;

FlLoopMonitor *fl_loop_monitor_new           (GMainContext   *context,
                                              guint           interval_us);
void           fl_loop_monitor_start         (FlLoopMonitor  *self);
void           fl_loop_monitor_stop          (FlLoopMonitor  *self);
void           fl_loop_monitor_hold          (FlLoopMonitor  *self);
void           fl_loop_monitor_release       (FlLoopMonitor  *self);
gboolean       fl_loop_monitor_get_sampling  (FlLoopMonitor  *self);
void           fl_loop_monitor_reset         (FlLoopMonitor  *self);
void           fl_loop_monitor_add_sample    (FlLoopMonitor  *self,
                                              gint64          time_us,
                                              gint64          lateness_us);
gint64         fl_loop_monitor_get_current   (FlLoopMonitor  *self);
gint64         fl_loop_monitor_get_percentile(FlLoopMonitor  *self,
                                              double          percentile);
gint64         fl_loop_monitor_get_max       (FlLoopMonitor  *self);
gint64         fl_loop_monitor_get_last_stall(FlLoopMonitor  *self);
guint          fl_loop_monitor_get_n_stalls  (FlLoopMonitor  *self);
gboolean       fl_loop_monitor_get_worst_stall (FlLoopMonitor *self,
                                                gint64         since_us,
                                                gint64         until_us,
                                                FlLoopStall   *stall);
guint64        fl_loop_monitor_get_n_wakeups (FlLoopMonitor  *self);
gboolean       fl_loop_monitor_get_stalled   (FlLoopMonitor  *self);
gint64         fl_loop_monitor_get_window    (FlLoopMonitor  *self);
void           fl_loop_monitor_set_window    (FlLoopMonitor  *self,
                                              gint64          window_us);
GArray        *fl_loop_monitor_get_samples   (FlLoopMonitor  *self,
                                              gint64          since_us);

G_END_DECLS
