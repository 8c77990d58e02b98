#!/usr/bin/env bash
# A single-node Kafka broker (KRaft, no ZooKeeper) on 127.0.0.1:9092 for the tests, the
# benchmark and `icsync demo --events kafka`. Development and CI only: nothing in icsync needs it.
#
#   scripts/kafka.sh start   fetch the broker once (Maven Central, cached), format a log dir, start, wait
#   scripts/kafka.sh stop    stop the broker this script started
#   scripts/kafka.sh status  exit 0 when a broker answers on the port
#
# The broker's jars come from Maven Central through `mvn dependency:copy-dependencies` on
# scripts/kafka/pom.xml and are kept under $ICSYNC_KAFKA_HOME (default ~/.cache/icsync-kafka);
# a later start finds them there and needs no network. Data and log live under the same folder
# and are wiped on each start: every test run begins with an empty broker.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
HOME_DIR="${ICSYNC_KAFKA_HOME:-$HOME/.cache/icsync-kafka}"
PORT="${ICSYNC_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${ICSYNC_KAFKA_CONTROLLER_PORT:-9093}"
HEAP="${ICSYNC_KAFKA_HEAP:-384m}"
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")"
LIBS="$HOME_DIR/libs-$VERSION"
RUN_DIR="$HOME_DIR/run"
PID_FILE="$RUN_DIR/broker.pid"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && { exec 3>&- 3<&-; return 0; }; return 1; }

fetch() {
  if [ -f "$LIBS/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka.sh: mvn is not installed; install Maven (apt-get install maven) to fetch the broker" >&2; return 1; }
  echo "kafka.sh: fetching Kafka $VERSION from Maven Central into $LIBS (once)"
  local started=$SECONDS
  mkdir -p "$LIBS"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" \
    || { echo "kafka.sh: Maven could not fetch the broker (no route to Maven Central?)" >&2; return 1; }
  touch "$LIBS/.complete"
  echo "kafka.sh: fetched in $((SECONDS - started)) s"
}

start() {
  if answers; then echo "kafka.sh: a broker already answers on 127.0.0.1:$PORT"; return 0; fi
  command -v java >/dev/null || { echo "kafka.sh: java is not installed (Java 17 or later)" >&2; return 1; }
  fetch
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/data"
  cat >"$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=2
PROPS
  cat >"$RUN_DIR/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$RUN_DIR/broker.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
  local cp="$LIBS/*"
  local opts=(-Xms128m "-Xmx$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "-Dlog4j.configuration=file:$RUN_DIR/log4j.properties")
  java "${opts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$(java "-Dlog4j.configuration=file:$RUN_DIR/log4j.properties" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null)" -c "$RUN_DIR/server.properties" >"$RUN_DIR/format.log" 2>&1 \
    || { cat "$RUN_DIR/format.log" >&2; return 1; }
  nohup java "${opts[@]}" -cp "$cp" kafka.Kafka "$RUN_DIR/server.properties" >"$RUN_DIR/stdout.log" 2>&1 &
  echo $! >"$PID_FILE"
  local i
  for ((i = 0; i < 240; i++)); do
    if answers; then echo "kafka.sh: Kafka $VERSION answers on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"), log $RUN_DIR/broker.log)"; return 0; fi
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then echo "kafka.sh: the broker exited; its output:" >&2; tail -n 30 "$RUN_DIR/stdout.log" "$RUN_DIR/broker.log" >&2 2>/dev/null; return 1; fi
    sleep 0.5
  done
  echo "kafka.sh: the broker did not answer on 127.0.0.1:$PORT within 120 s" >&2
  return 1
}

stop() {
  if [ ! -f "$PID_FILE" ]; then echo "kafka.sh: no broker started by this script"; return 0; fi
  local pid; pid="$(cat "$PID_FILE")"
  if kill "$pid" 2>/dev/null; then
    local i
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "kafka.sh: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  fetch) fetch ;;
  *) echo "usage: scripts/kafka.sh start|stop|status|fetch" >&2; exit 2 ;;
esac
