<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Observer;

use Icsync\ErpSync\Model\Clock;
use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Model\Outbox\CloudEventFactory;
use Icsync\ErpSync\Model\Outbox\OrderEventDetector;
use Icsync\ErpSync\Model\Outbox\OutboxRecorder;
use Icsync\ErpSync\Model\Outbox\OutboxStore;
use Icsync\ErpSync\Model\SystemClock;
use Icsync\ErpSync\Observer\RecordAddressChange;
use Icsync\ErpSync\Observer\RecordOrderEvents;
use Icsync\ErpSync\Test\Harness\SqliteSchema;
use Magento\Framework\DataObject;
use Magento\Framework\Event;
use Magento\Framework\Event\Observer;
use PHPUnit\Framework\TestCase;

/**
 * The observers read an order (or address) as Magento hands it to sales_order_save_after:
 * getOrigData() is the row as loaded (empty for a new order), getData() the row being saved.
 */
final class RecordOrderEventsTest extends TestCase
{
    private OutboxStore $store;
    private OutboxRecorder $recorder;

    protected function setUp(): void
    {
        $pdo = new \PDO('sqlite::memory:');
        SqliteSchema::create($pdo, dirname(__DIR__, 3) . '/etc/db_schema.xml');
        $this->store = new OutboxStore(new PdoDatabase($pdo));
        $this->recorder = new OutboxRecorder(new OrderEventDetector(), new CloudEventFactory(), $this->store, new ArrayModuleConfig(), new SystemClock());
    }

    /** A sales order model as the observer sees it: origData, data, items with qty_shipped, and its store. */
    private static function order(array $orig, array $data, array $items): object
    {
        return new class ($orig, $data, $items) extends DataObject {
            public function __construct(private array $orig, array $data, private array $items)
            {
                parent::__construct($data);
            }

            public function getOrigData($key = null)
            {
                return $key === null ? $this->orig : ($this->orig[$key] ?? null);
            }

            public function getAllItems()
            {
                return $this->items;
            }

            public function getStore()
            {
                // Magento\Store\Model\Store::getCode()
                return new class {
                    public function getCode()
                    {
                        return 'sl';
                    }
                };
            }
        };
    }

    private static function item(?string $shippedBefore, $shippedNow): object
    {
        return new class (['qty_shipped' => $shippedBefore], ['qty_shipped' => $shippedNow]) extends DataObject {
            public function __construct(private array $orig, array $data)
            {
                parent::__construct($data);
            }

            public function getOrigData($key = null)
            {
                return $key === null ? $this->orig : ($this->orig[$key] ?? null);
            }
        };
    }

    private function save(object $model, string $key = 'order'): void
    {
        $observer = new Observer(['event' => new Event([$key => $model])]);
        ($key === 'order' ? new RecordOrderEvents($this->recorder) : new RecordAddressChange($this->recorder))->execute($observer);
    }

    private function types(): array
    {
        return array_map(fn ($r) => substr($r['event_type'], strlen('com.icsync.magento.order.')), $this->store->pending(50));
    }

    public function testANewOrderThenItsShipmentAndCancelation(): void
    {
        $row = ['entity_id' => '31', 'increment_id' => '000000031', 'state' => 'new', 'status' => 'pending', 'updated_at' => '2026-03-01 09:00:00', 'customer_email' => 'a@example.si'];
        $this->save(self::order([], $row, [self::item(null, null)]));
        $this->save(self::order($row, ['state' => 'processing'] + $row, [self::item('0.0000', 1.0)]));
        $this->save(self::order(['state' => 'processing'] + $row, ['state' => 'canceled', 'status' => 'canceled'] + $row, [self::item('1.0000', '1.0000')]));
        self::assertSame(['placed', 'shipped', 'canceled'], $this->types());
        $placed = json_decode($this->store->pending(1)[0]['payload'], true);
        self::assertSame(['000000031', 31, 'sl'], [$placed['subject'], $placed['data']['entity_id'], $placed['data']['store_code']]);
    }

    public function testAnEditedBillingAddress(): void
    {
        $order = self::order(['entity_id' => 31], ['entity_id' => 31, 'increment_id' => '000000031', 'state' => 'processing', 'status' => 'processing'], []);
        $address = new class (['entity_id' => 5, 'city' => 'Ljubljana'], ['entity_id' => 5, 'city' => 'Maribor', 'address_type' => 'billing'], $order) extends DataObject {
            public function __construct(private array $orig, array $data, private object $order)
            {
                parent::__construct($data);
            }

            public function getOrigData($key = null)
            {
                return $key === null ? $this->orig : ($this->orig[$key] ?? null);
            }

            public function getOrder()
            {
                return $this->order;
            }

            public function getAddressType()
            {
                return $this->getData('address_type');
            }
        };
        $this->save($address, 'address');
        $event = json_decode($this->store->pending(1)[0]['payload'], true);
        self::assertSame(['com.icsync.magento.order.changed', ['billing_address']], [$event['type'], $event['data']['changed']]);
    }
}
