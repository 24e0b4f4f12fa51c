module github.com/dondoc/dondoc

go 1.26.8

require (
	github.com/joho/godotenv v1.5.1
	github.com/jonboulle/clockwork v0.5.0
	golang.org/x/net v0.62.0
	golang.org/x/text v0.44.0
	golang.org/x/time v0.16.0
)
