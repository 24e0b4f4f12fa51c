package store

import "github.com/dondoc/dondoc/models"

// The status groups as SQL lists, generated from models/status.go so that
// every query agrees with the rules (see models.StatusList).
var (
	sqlRunning = models.StatusList(models.Status.IsRunning) // 1, 2, 4
	sqlOpen    = models.StatusList(models.Status.IsOpen)    // 1, 2, 4, 5, 6
)

// openStatuses are the open dossier statuses (running 1, 2, 4 and paused 5,
// 6), written as in the partial index dossiers_open_handler_idx so that
// both databases use it.
var openStatuses = "status IN (" + sqlOpen + ")"

// runningStatuses are the open, not paused statuses (1, 2, 4); queries use
// dossiers_unit_status_deadline_idx.
var runningStatuses = "status IN (" + sqlRunning + ")"
