/* futures-lab-engine.h: the whole public engine API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-types.h"
#include "fl-enums.h"
#include "fl-job.h"
#include "fl-future.h"
#include "fl-trace.h"
#include "fl-spans.h"
#include "fl-gate.h"
#include "fl-executor.h"
#include "fl-thread-executor.h"
#include "fl-inline-executor.h"
#include "fl-loop-executor.h"
#include "fl-process-executor.h"
#include "fl-combinators.h"
#include "fl-loop-monitor.h"
#include "fl-dispatcher.h"
#include "fl-queue.h"
