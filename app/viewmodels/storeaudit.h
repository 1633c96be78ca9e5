#pragma once

// Adapter from the store (and the audit engine, when present) to the audit panel's rows. Runs on a worker.

#include <string>
#include <vector>

#include "app/viewmodels/rowtypes.h"
#include "storage/store.h"

/// Every finding for the store; `error` receives a reason when part of it could not be computed.
std::vector<AuditRow> collectAuditFindings(storage::Store& store, std::string& error);
