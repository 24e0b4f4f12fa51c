package bottest

import (
	"io"
	"net/http"
	"testing"
)

// TelegramSecretHeader is where Telegram sends a webhook's secret token.
const TelegramSecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// PostUpdate posts body to the webhook at url, with secret in the header
// named header unless secret is empty, and returns the status.
func PostUpdate(tb testing.TB, url, header, secret string, body io.Reader) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		tb.Fatal(err)
	}
	if secret != "" {
		req.Header.Set(header, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
