// Package models holds dondoc's domain types and its pure rules. It depends
// on the standard library and golang.org/x/text only (deps_test.go keeps it
// so); nothing in it reads a clock, a database or a chat platform: callers
// pass the moment a rule judges at.
//
// The rules are the ones written in the rule book, docs/domain.md at the
// root of the repository; a comment that cites a rule names its section
// there ("A period's figures", "Classification"...). When a rule changes,
// change the rule book and the one file below that carries it, with its
// table test.
//
// Where each rule lives:
//
//   - Civil dates in local time (Date, DateOf, the end of a due date
//     without a time of day): date.go.
//   - Working-day calendar (working days, make-up Saturdays, the 15:00
//     cut-off, AddWorkingDays, WorkingDaysBetween), built-in rules plus
//     official overrides, overrides win ("Time rules"): calendar.go.
//   - Vietnamese lunar calendar at UTC+7 (Tết, Giỗ Tổ Hùng Vương): lunar.go.
//   - Public holidays of the Labour Code 2019 Art. 112 and their nghỉ bù
//     make-up days (VietnamHolidays): holidays.go.
//   - Official yearly schedules for civil servants, each entry with the
//     notice it stands on (OfficialOverrides, NewVietnamCalendar):
//     official.go.
//   - Dossier statuses and their national sync codes, open / paused /
//     ended / finished, parsing of codes and names ("Dossier statuses"):
//     status.go.
//   - Domain types (Unit, Officer, Procedure, Dossier, Step, Channel),
//     supplement waits and requests (Dossier.SupplementWait,
//     SupplementRequests), record validation: types.go; roles: role.go;
//     people and group bindings: person.go.
//   - Effective deadline and classification of finished and open dossiers
//     (early, on time, late, late on the system, overdue, due today, due
//     soon, in time, paused, ended), the stop time (StopAt), officer
//     responsibility by step ("Classification"): classify.go. Today the
//     classes compare with due_at; the supplement waits are subtracted by
//     the 766 rule in metrics.go.
//   - A period's figures (Period, Rules.Tally, Rules.OfficerTally) and
//     indicator 2.1 of Decision 766/QĐ-TTg (onTime766: supplement waits
//     subtracted, more than one request is overdue) ("A period's figures",
//     "The national indicator set"): metrics.go; the figures themselves
//     and their rates and 766 score (Counts, OfficerCounts, Rate766,
//     Score766, OverdueShare): counts.go.
//   - Unit tree: parents, validity dates and successors for the 2025
//     mergers, roll-up of figures without counting twice ("Units: the
//     two-level local government"): unittree.go; the one scope function
//     every command, job, report and page asks (Scope, Covers: the
//     sub-tree plus every predecessor's sub-tree): unitscope.go; levels
//     (cấp) and who is ranked with whom (PeerClassOf): level.go.
//   - Text normalisation of headers and names (Unicode NFC, case- and
//     diacritic-insensitive folding) ("Files the secretariat brings"):
//     textnorm.go.
//   - Domain errors (ErrNotFound, FieldError, ValidationError), whose text
//     is Vietnamese because it reaches the secretariat: errors.go.
package models
