module avccdb.dev/avccdb

go 1.19
