<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Observer;

use Icsync\ErpSync\Model\Outbox\OrderSnapshot;
use Icsync\ErpSync\Model\Outbox\OutboxRecorder;
use Magento\Framework\Event\Observer;
use Magento\Framework\Event\ObserverInterface;

/** sales_order_address_save_after: an address of an existing order edited (admin "Edit" on the order page). */
final class RecordAddressChange implements ObserverInterface
{
    public function __construct(private OutboxRecorder $recorder)
    {
    }

    public function execute(Observer $observer)
    {
        $address = $observer->getEvent()->getData('address');
        if ($address === null) {
            return;
        }
        $original = $address->getOrigData();
        $order = $address->getOrder();
        if (empty($original) || empty($original['entity_id']) || $order === null) {
            return;
        }
        $this->recorder->recordAddressSave(
            $original,
            $address->getData(),
            (string) $address->getAddressType(),
            OrderSnapshot::facts($order->getData(), (string) $order->getStore()->getCode())
        );
    }
}
