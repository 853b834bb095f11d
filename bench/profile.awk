# Summarises `jfr print --events jdk.ExecutionSample`: for the samples of threads whose name
# matches THREAD, counts the leaf frame ("leaf") or the innermost frame of the project ("own").
/sampledThread = / { take = ($0 ~ THREAD) }
/stackTrace = \[/ && take {
  leaf = ""; own = ""
  while ((getline line) > 0 && line !~ /^[ \t]*\]/) {
    sub(/^[ \t]+/, "", line); sub(/[ \t]+line:.*/, "", line)
    if (leaf == "") leaf = line
    if (own == "" && line ~ /^io\.pipelines\./) own = line
  }
  print (MODE == "own" ? (own == "" ? "(outside the project: " leaf ")" : own) : leaf)
  take = 0
}
