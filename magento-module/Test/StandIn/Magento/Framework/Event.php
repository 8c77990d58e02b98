<?php
// Stand-in for Magento\Framework\Event (2.4): a DataObject carrying the event's objects (e.g. "order").
namespace Magento\Framework;

class Event extends DataObject
{
}
