module github.com/dondoc/dondoc

go 1.26.8

require (
	github.com/joho/godotenv v1.5.1
	golang.org/x/text v0.44.0
)
