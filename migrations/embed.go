// Package migrations holds the schema of each supported database as goose
// SQL migrations, embedded in the binary. The store package applies them at
// start-up and `juece migrate` applies them on demand.
//
// Every table carries org_id, the organisation (tenant) it belongs to.
// audit_events is append-only: triggers reject UPDATE and DELETE in both
// databases.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql. Files are numbered; a migration
// once released is never edited, only followed by a new one.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
