<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Outbox;

use Icsync\ErpSync\Model\Clock;
use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Model\Outbox\CloudEventFactory;
use Icsync\ErpSync\Model\Outbox\Deliverer;
use Icsync\ErpSync\Model\Outbox\EventSink;
use Icsync\ErpSync\Model\Outbox\OrderEventDetector;
use Icsync\ErpSync\Model\Outbox\OrderSnapshot;
use Icsync\ErpSync\Model\Outbox\OutboxRecorder;
use Icsync\ErpSync\Model\Outbox\OutboxStore;
use Icsync\ErpSync\Model\Outbox\WebhookTransport;
use Icsync\ErpSync\Model\Webhook\Signer;
use Icsync\ErpSync\Test\Harness\SqliteSchema;
use PHPUnit\Framework\TestCase;

final class OutboxTest extends TestCase
{
    private const SECRET = 's3cret-value';

    private PdoDatabase $db;
    private OutboxStore $store;
    private object $clock;
    /** @var list<array{url:string,headers:array,body:string}> */
    private array $sent = [];
    /** @var list<int|\RuntimeException> answers the fake webhook gives, in turn (then 200) */
    private array $answers = [];

    protected function setUp(): void
    {
        $pdo = new \PDO('sqlite::memory:');
        SqliteSchema::create($pdo, dirname(__DIR__, 3) . '/etc/db_schema.xml');
        $this->db = new PdoDatabase($pdo);
        $this->store = new OutboxStore($this->db);
        $this->clock = new class implements Clock {
            public \DateTimeImmutable $at;

            public function __construct()
            {
                $this->at = new \DateTimeImmutable('2026-03-01 10:00:00', new \DateTimeZone('UTC'));
            }

            public function now(): \DateTimeImmutable
            {
                return $this->at;
            }
        };
    }

    private function config(array $values = []): ArrayModuleConfig
    {
        return new ArrayModuleConfig($values + ['webhook_url' => 'https://icsync.example.com/events', 'webhook_secret' => self::SECRET, 'max_attempts' => 3]);
    }

    private function recorder(array $config = []): OutboxRecorder
    {
        return new OutboxRecorder(new OrderEventDetector(), new CloudEventFactory(), $this->store, $this->config($config), $this->clock);
    }

    private function deliverer(array $config = [], ?EventSink $queue = null): Deliverer
    {
        $transport = new class ($this) implements WebhookTransport {
            public function __construct(private OutboxTest $test)
            {
            }

            public function post(string $url, array $headers, string $body, int $timeoutSeconds): array
            {
                return $this->test->answer($url, $headers, $body);
            }
        };
        return new Deliverer($this->store, $transport, $this->config($config), $this->clock, $queue);
    }

    /** @internal the fake webhook */
    public function answer(string $url, array $headers, string $body): array
    {
        $this->sent[] = ['url' => $url, 'headers' => $headers, 'body' => $body];
        $next = array_shift($this->answers) ?? 200;
        if ($next instanceof \RuntimeException) {
            throw $next;
        }
        return ['status' => $next, 'body' => $next === 200 ? '' : "refused\n  by test"];
    }

    private function place(int $id): void
    {
        $row = ['entity_id' => $id, 'increment_id' => sprintf('%09d', $id), 'state' => 'new', 'status' => 'pending', 'updated_at' => '2026-03-01 09:59:58', 'customer_email' => 'a@example.si'];
        $this->recorder()->recordOrderSave(null, OrderSnapshot::of($row, ['0']) + OrderSnapshot::facts($row, 'default'));
    }

    public function testRecordsCloudEventsWithTheOrderAsSubject(): void
    {
        $row = ['entity_id' => 12, 'increment_id' => '000000012', 'state' => 'processing', 'status' => 'processing', 'updated_at' => '2026-03-01 09:59:58', 'total_invoiced' => '64.4400'];
        $events = $this->recorder(['source_host' => 'Shop.Example.com'])->recordOrderSave(null, OrderSnapshot::of($row, ['0']) + OrderSnapshot::facts($row, 'sl'));
        self::assertCount(2, $events);
        [$placed, $invoiced] = $events;
        self::assertSame('com.icsync.magento.order.placed', $placed['type']);
        self::assertSame('com.icsync.magento.order.invoiced', $invoiced['type']);
        self::assertSame('1.0', $placed['specversion']);
        self::assertSame('magento://shop.example.com/icsync', $placed['source']);
        self::assertSame('000000012', $placed['subject']);
        self::assertSame('2026-03-01T10:00:00Z', $placed['time']);
        self::assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $placed['id']);
        self::assertNotSame($placed['id'], $invoiced['id']);
        self::assertSame(['increment_id' => '000000012', 'entity_id' => 12, 'store_code' => 'sl', 'state' => 'processing', 'status' => 'processing', 'updated_at' => '2026-03-01T09:59:58Z'], $placed['data']);
        self::assertSame('64.4400', $invoiced['data']['total_invoiced']);
        $rows = $this->store->pending(10);
        self::assertSame([$placed['id'], $invoiced['id']], array_column($rows, 'event_id'));
        self::assertSame($placed, json_decode($rows[0]['payload'], true));
    }

    public function testOnlyTheConfiguredEventsAreRecorded(): void
    {
        $row = ['entity_id' => 1, 'increment_id' => '1', 'total_invoiced' => '5'];
        $events = $this->recorder(['types' => ['invoiced']])->recordOrderSave(null, OrderSnapshot::of($row, []) + OrderSnapshot::facts($row, 'default'));
        self::assertSame(['com.icsync.magento.order.invoiced'], array_column($events, 'type'));
    }

    public function testDeliversInOrderSignedWithTheSecret(): void
    {
        $this->place(1);
        $this->place(2);
        $result = $this->deliverer()->run();
        self::assertSame(2, $result['delivered']);
        self::assertSame(['000000001', '000000002'], array_map(fn ($s) => json_decode($s['body'], true)['subject'], $this->sent));
        foreach ($this->sent as $request) {
            self::assertSame('application/cloudevents+json; charset=utf-8', $request['headers']['Content-Type']);
            self::assertNull(Signer::verify(self::SECRET, $request['headers'][Signer::HEADER], $request['body'], $this->clock->at->getTimestamp()));
        }
        self::assertSame(['pending' => 0, 'delivered' => 2, 'parked' => 0, 'oldest_pending' => null], $this->store->counts());
        self::assertSame(0, $this->deliverer()->run()['delivered'], 'delivered once');
    }

    public function testAFailureHoldsBackLaterEventsAndIsRetriedWithGrowingPauses(): void
    {
        $this->place(1);
        $this->place(2);
        $this->answers = [503, new \RuntimeException('no answer from the webhook: Connection refused')];
        self::assertSame(['delivered' => 0, 'failed' => 1, 'parked' => 0, 'waiting' => 0, 'message' => null], $this->deliverer()->run());
        self::assertCount(1, $this->sent, 'the second event waits behind the first');
        $head = $this->store->pending(1)[0];
        self::assertSame('2026-03-01 10:00:30', $head['next_attempt_at']);
        self::assertSame('HTTP 503 from the webhook: refused by test', $head['last_error']);

        $this->clock->at = $this->clock->at->modify('+29 seconds');
        self::assertSame(1, $this->deliverer()->run()['waiting']);
        self::assertCount(1, $this->sent, 'not before the pause is over');

        $this->clock->at = $this->clock->at->modify('+1 second');
        self::assertSame(1, $this->deliverer()->run()['failed']);
        $head = $this->store->pending(1)[0];
        self::assertSame('2026-03-01 10:01:30', $head['next_attempt_at'], 'second pause: 60 s');
        self::assertStringContainsString('Connection refused', $head['last_error']);

        $this->clock->at = $this->clock->at->modify('+60 seconds');
        self::assertSame(2, $this->deliverer()->run()['delivered']);
        self::assertSame(['000000001', '000000001', '000000001', '000000002'], array_map(fn ($s) => json_decode($s['body'], true)['subject'], $this->sent));
    }

    public function testParksAnEventAfterTheLastAttemptAndMovesOn(): void
    {
        $this->place(1);
        $this->place(2);
        $this->answers = [500, 500, 401];
        for ($i = 0; $i < 3; $i++) {
            $this->deliverer()->run();
            $this->clock->at = $this->clock->at->modify('+1 hour');
        }
        self::assertSame(['pending' => 0, 'delivered' => 1, 'parked' => 1, 'oldest_pending' => null], $this->store->counts());
        $parked = $this->store->parked(10);
        self::assertSame('000000001', $parked[0]['increment_id']);
        self::assertSame(3, (int) $parked[0]['attempts']);
        self::assertStringStartsWith('HTTP 401', $parked[0]['last_error']);
        foreach ($this->db->fetchAll('SELECT last_error FROM icsync_order_outbox') as $row) {
            self::assertStringNotContainsString(self::SECRET, (string) $row['last_error']);
        }
        self::assertSame(1, $this->store->unpark());
        self::assertSame(1, $this->deliverer()->run()['delivered']);
    }

    public function testSaysWhyNothingIsDelivered(): void
    {
        $this->place(1);
        self::assertStringContainsString('switched off', (string) $this->deliverer(['enabled' => false])->run()['message']);
        self::assertStringContainsString('No webhook URL', (string) $this->deliverer(['webhook_url' => ''])->run()['message']);
        self::assertStringContainsString('secret is empty', (string) $this->deliverer(['webhook_secret' => ''])->run()['message']);
        self::assertSame([], $this->sent);
        self::assertSame(1, $this->store->counts()['pending']);
    }

    public function testPublishesTheSameBytesToTheMessageQueueWhenAsked(): void
    {
        $this->place(1);
        $queue = new class implements EventSink {
            public array $published = [];

            public function publish(string $cloudEventJson): void
            {
                $this->published[] = $cloudEventJson;
            }
        };
        self::assertSame(1, $this->deliverer(['webhook_url' => '', 'message_queue' => true], $queue)->run()['delivered']);
        self::assertSame([], $this->sent);
        self::assertSame('000000001', json_decode($queue->published[0], true)['subject']);
    }

    public function testPausesGrowToAnHour(): void
    {
        self::assertSame([30, 60, 120, 240, 3600, 3600], array_map([Deliverer::class, 'pauseAfter'], [1, 2, 3, 4, 8, 40]));
    }
}
