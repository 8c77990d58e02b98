<?php
declare(strict_types=1);

// The module's webhook side from the command line, for icsync's cross-language tests:
//   php webhook-cli.php deliver URL       (secret in ICSYNC_WEBHOOK_SECRET) records an order's events (placed; then invoiced, shipped and a buyer change) in
//                                         an SQLite outbox and delivers them with the real Deliverer
//                                         and HTTP transport; prints the result as JSON
//   php webhook-cli.php sign|verify       reads {"secret","timestamp"|"now","body"[,"header"]} as JSON on stdin
require dirname(__DIR__) . '/bootstrap.php';

use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Model\Outbox\CloudEventFactory;
use Icsync\ErpSync\Model\Outbox\Deliverer;
use Icsync\ErpSync\Model\Outbox\OrderEventDetector;
use Icsync\ErpSync\Model\Outbox\OrderSnapshot;
use Icsync\ErpSync\Model\Outbox\OutboxRecorder;
use Icsync\ErpSync\Model\Outbox\OutboxStore;
use Icsync\ErpSync\Model\Outbox\StreamWebhookTransport;
use Icsync\ErpSync\Model\SystemClock;
use Icsync\ErpSync\Model\Webhook\Signer;
use Icsync\ErpSync\Test\Harness\SqliteSchema;

$command = $argv[1] ?? '';
if ($command === 'deliver') {
    $pdo = new PDO('sqlite::memory:');
    SqliteSchema::create($pdo, dirname(__DIR__, 2) . '/etc/db_schema.xml');
    $store = new OutboxStore(new PdoDatabase($pdo));
    $config = new ArrayModuleConfig(['webhook_url' => $argv[2] ?? '', 'webhook_secret' => (string) getenv('ICSYNC_WEBHOOK_SECRET'), 'source_host' => 'trgovina.example.si']);
    $recorder = new OutboxRecorder(new OrderEventDetector(), new CloudEventFactory(), $store, $config, new SystemClock());
    $before = ['entity_id' => 41, 'increment_id' => '000000041', 'state' => 'new', 'status' => 'pending', 'updated_at' => '2026-03-01 09:00:00', 'customer_email' => 'spela@example.si'];
    $after = ['state' => 'processing', 'status' => 'processing', 'total_invoiced' => '64.4400', 'customer_firstname' => 'Špela'] + $before;
    $recorder->recordOrderSave(null, OrderSnapshot::of($before, ['0']) + OrderSnapshot::facts($before, 'sl'));
    $recorder->recordOrderSave(OrderSnapshot::of($before, ['0']), OrderSnapshot::of($after, ['1']) + OrderSnapshot::facts($after, 'sl'));
    $result = (new Deliverer($store, new StreamWebhookTransport(), $config, new SystemClock()))->run();
    echo json_encode($result + ['counts' => $store->counts(), 'last_error' => $store->pending(1)[0]['last_error'] ?? null]), "\n";
    exit(0);
}
$input = json_decode((string) stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
if ($command === 'sign') {
    echo json_encode(['header' => Signer::header($input['secret'], (int) $input['timestamp'], $input['body'])]), "\n";
} elseif ($command === 'verify') {
    echo json_encode(['refused' => Signer::verify($input['secret'], $input['header'] ?? null, $input['body'], (int) $input['now'])]), "\n";
} else {
    fwrite(STDERR, "usage: webhook-cli.php deliver URL | sign | verify\n");
    exit(2);
}
