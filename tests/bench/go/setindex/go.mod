module example.com/bench/setindex

go 1.19
