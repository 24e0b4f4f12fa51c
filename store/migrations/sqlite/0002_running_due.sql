-- Running dossiers (1, 2, 4) by due date across every unit: /quahan for the
-- secretariat over a whole province reads the oldest overdue first without
-- sorting them all.
CREATE INDEX dossiers_running_due_idx ON dossiers (due_at, code) WHERE status IN (1, 2, 4);
