/* futures-lab-tasks.h: the workloads (downloads, country data) the front ends run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fl-codes.h"
#include "fl-files.h"
#include "fl-countries.h"
#include "fl-download.h"
#include "fl-compute.h"
#include "fl-lessons.h"
#include "fl-loiter.h"
#include "fl-pacing.h"
#include "fl-pipeline.h"
#include "fl-run.h"
#include "fl-python-run.h"
