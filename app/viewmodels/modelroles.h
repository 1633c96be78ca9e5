#pragma once

#include <Qt>

/// Custom roles the widgets use for colour and navigation (models stay Qt Core only: no QColor here).
namespace ModelRoles {
enum : int {
    EventKindRole = Qt::UserRole + 1, ///< int(model::EventName), -1 if none
    TtlRole,                          ///< bool
    RecordIdRole,                     ///< qlonglong
    KeyIdRole,                        ///< qlonglong
    ChangeKindRole,                   ///< int(DiffNode::Change)
    SeverityRole,                     ///< int(AuditSeverity), -1 for none
    TimeMicrosRole,                   ///< qlonglong, or invalid
    TableRole,                        ///< QString
};
}
