<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Observer;

use Icsync\ErpSync\Model\Outbox\OrderSnapshot;
use Icsync\ErpSync\Model\Outbox\OutboxRecorder;
use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;

/** sales_order_save_after: runs inside the order save's transaction (events.xml). */
final class RecordOrderEvents implements ObserverInterface
{
    public function __construct(private OutboxRecorder $recorder)
    {
    }

    public function execute(Observer $observer)
    {
        $order = $observer->getEvent()->getData('order');
        if ($order === null) {
            return;
        }
        $items = $order->getAllItems();
        $original = $order->getOrigData();
        $before = empty($original) || empty($original['entity_id'])
            ? null
            : OrderSnapshot::of($original, array_map(fn ($item) => $item->getOrigData('qty_shipped'), $items));
        $after = OrderSnapshot::of($order->getData(), array_map(fn ($item) => $item->getData('qty_shipped'), $items));
        $this->recorder->recordOrderSave($before, $after + OrderSnapshot::facts($order->getData(), (string) $order->getStore()->getCode()));
    }
}
