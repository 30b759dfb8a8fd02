module avccdb.example/avccdb

go 1.19
