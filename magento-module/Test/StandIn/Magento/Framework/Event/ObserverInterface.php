<?php
// Stand-in for Magento\Framework\Event\ObserverInterface (2.4): the same single method.
namespace Magento\Framework\Event;

interface ObserverInterface
{
    public function execute(Observer $observer);
}
