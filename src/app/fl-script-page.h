/* fl-script-page.h: "Your script": any Python program, traced live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-page.h"

G_BEGIN_DECLS

#define FL_TYPE_SCRIPT_PAGE (fl_script_page_get_type ())
G_DECLARE_FINAL_TYPE (FlScriptPage, fl_script_page, FL, SCRIPT_PAGE, FlPage)

void          fl_script_page_set_script    (FlScriptPage *self,
                                            GFile        *file);
GFile        *fl_script_page_get_script    (FlScriptPage *self);
void          fl_script_page_set_arguments (FlScriptPage *self,
                                            const char   *arguments);
void          fl_script_page_set_folder    (FlScriptPage *self,
                                            GFile        *folder);
FlPythonRun  *fl_script_page_get_python    (FlScriptPage *self);
FlRun        *fl_script_page_get_run       (FlScriptPage *self);
GtkTextBuffer *fl_script_page_get_output   (FlScriptPage *self);
const char   *fl_script_page_get_status    (FlScriptPage *self);
void          fl_script_page_stop          (FlScriptPage *self);

G_END_DECLS
