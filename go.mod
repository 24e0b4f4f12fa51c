module github.com/dondoc/dondoc

go 1.26.8

require (
	github.com/joho/godotenv v1.5.1
	golang.org/x/text v0.44.0
)

require github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1
