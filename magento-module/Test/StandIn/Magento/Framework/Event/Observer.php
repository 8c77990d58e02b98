<?php
// Stand-in for Magento\Framework\Event\Observer (2.4): getEvent() returns the "event" data, as in Magento.
namespace Magento\Framework\Event;

use Magento\Framework\DataObject;

class Observer extends DataObject
{
    public function getEvent()
    {
        return $this->getData('event');
    }
}
