package store

// SetEachBatch sets EachDossier's batch size for a test and returns a
// function restoring it.
func SetEachBatch(n int) (restore func()) {
	old := eachBatch
	eachBatch = n
	return func() { eachBatch = old }
}
