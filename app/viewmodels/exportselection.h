#pragma once

// The events view's filter as an export/replay selection (shared by the export dialog and the replay panel).

#include "app/viewmodels/rowtypes.h"
#include "storage/export/exporter.h"

/// Tables, event types, time range, text and display filter (`where`) of `filter`; all event types selected means no event-type limit.
storage::RecordSelection exportSelectionOf(const EventFilter& filter);
