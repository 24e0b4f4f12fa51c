// Package hooksecret checks webhook secret tokens against what the
// platforms accept, for both the configuration and the adapters.
package hooksecret

// Zalo reports whether s is a secret token the Zalo Bot Platform accepts
// in setWebhook (and sends back as X-Bot-Api-Secret-Token): 8 to 256
// printable ASCII characters, no space.
func Zalo(s string) bool {
	if len(s) < 8 || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
