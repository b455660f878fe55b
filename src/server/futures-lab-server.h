/* futures-lab-server.h: the embedded flag server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-fault-config.h"
#include "fl-flag-server.h"
