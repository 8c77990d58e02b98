<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Outbox;

use Icsync\ErpSync\Model\Outbox\OrderEventDetector;
use Icsync\ErpSync\Model\Outbox\OrderSnapshot;
use PHPUnit\Framework\TestCase;

final class OrderEventDetectorTest extends TestCase
{
    private static function order(array $overrides = [], array $qtyShipped = ['0.0000']): array
    {
        $row = ['entity_id' => '5', 'state' => 'new', 'status' => 'pending', 'total_invoiced' => null, 'customer_email' => 'a@example.si', 'customer_firstname' => 'Ana'];
        return OrderSnapshot::of(array_merge($row, $overrides), $qtyShipped);
    }

    private static function kinds(array $events): array
    {
        return array_map(fn ($e) => $e['kind'], $events);
    }

    public function testANewOrderIsPlaced(): void
    {
        self::assertSame(['placed'], self::kinds((new OrderEventDetector())->forOrder(null, self::order())));
    }

    public function testAnOrderPaidAtCheckoutIsPlacedAndInvoiced(): void
    {
        self::assertSame(['placed', 'invoiced'], self::kinds((new OrderEventDetector())->forOrder(null, self::order(['total_invoiced' => '64.4400']))));
    }

    public function testInvoicingShippingAndCancelingAreSeenFromTheChangedValues(): void
    {
        $d = new OrderEventDetector();
        self::assertSame(['invoiced'], self::kinds($d->forOrder(self::order(), self::order(['state' => 'processing', 'total_invoiced' => 64.44]))));
        self::assertSame([], $d->forOrder(self::order(['total_invoiced' => '64.4400']), self::order(['total_invoiced' => 64.44])), 'the same amount as float and as string');
        self::assertSame(['shipped'], self::kinds($d->forOrder(self::order([], ['2.0000', '0.0000']), self::order([], [2.0, 1.0]))));
        self::assertSame(['canceled'], self::kinds($d->forOrder(self::order(), self::order(['state' => 'canceled', 'status' => 'canceled']))));
        self::assertSame([], $d->forOrder(self::order(['state' => 'canceled']), self::order(['state' => 'canceled'])), 'canceled once');
        self::assertSame([], $d->forOrder(self::order(), self::order(['status' => 'pending_review'])), 'a status alone is no event');
    }

    public function testABuyerChangeNamesTheFields(): void
    {
        $events = (new OrderEventDetector())->forOrder(self::order(), self::order(['customer_email' => 'ana@example.si', 'customer_taxvat' => 'SI123']));
        self::assertSame([['kind' => 'changed', 'changed' => ['customer_email', 'customer_taxvat']]], $events);
    }

    public function testAnEditedAddressOfAnExistingOrderIsAChange(): void
    {
        $d = new OrderEventDetector();
        $before = ['entity_id' => 9, 'street' => "Čopova 1\n", 'city' => 'Ljubljana', 'postcode' => '1000'];
        self::assertSame([['kind' => 'changed', 'changed' => ['shipping_address']]], $d->forAddress($before, ['street' => 'Čopova 2'] + $before, 'shipping'));
        self::assertSame([['kind' => 'changed', 'changed' => ['billing_address']]], $d->forAddress($before, ['street' => ['Čopova 2']] + $before, 'billing'));
        self::assertSame([], $d->forAddress($before, ['street' => ['Čopova 1']] + $before, 'billing'), 'street as lines or as text is the same');
        self::assertSame([], $d->forAddress(null, $before, 'billing'), 'a new address belongs to placing the order');
    }

    public function testDecimalsCompareExactly(): void
    {
        self::assertSame(1, OrderEventDetector::compare('10.0000', '9.9999'));
        self::assertSame(0, OrderEventDetector::compare('10.50', '010.5000'));
        self::assertSame(-1, OrderEventDetector::compare('0.0001', '0.001'));
        self::assertSame(1, OrderEventDetector::compare('100000000000000000000.01', '100000000000000000000'));
    }
}
