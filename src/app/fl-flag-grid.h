/* fl-flag-grid.h: the flags of a run, filling in as they arrive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_FLAG_GRID (fl_flag_grid_get_type ())
G_DECLARE_FINAL_TYPE (FlFlagGrid, fl_flag_grid, FL, FLAG_GRID, GtkWidget)

typedef enum
{
  FL_FLAG_CELL_PENDING,
  FL_FLAG_CELL_OK,
  FL_FLAG_CELL_NOT_FOUND,
  FL_FLAG_CELL_ERROR,
  FL_FLAG_CELL_CANCELLED,
} FlFlagCellState;

GtkWidget *fl_flag_grid_new        (void);
void       fl_flag_grid_clear      (FlFlagGrid      *self);
void       fl_flag_grid_add        (FlFlagGrid      *self,
                                    const char      *cc,
                                    const char      *tooltip);
gboolean   fl_flag_grid_set_image  (FlFlagGrid      *self,
                                    const char      *cc,
                                    const char      *path,
                                    GError         **error);
void       fl_flag_grid_set_state  (FlFlagGrid      *self,
                                    const char      *cc,
                                    FlFlagCellState  state,
                                    const char      *tooltip);
guint      fl_flag_grid_get_n_images (FlFlagGrid    *self);
void       fl_flag_grid_show_at    (FlFlagGrid      *self,
                                    GHashTable      *ended);
guint      fl_flag_grid_get_n_shown (FlFlagGrid     *self);

G_END_DECLS
