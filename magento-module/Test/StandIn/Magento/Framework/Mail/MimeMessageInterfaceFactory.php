<?php
// Stand-in for Magento\Framework\Mail\MimeMessageInterfaceFactory, the factory Magento 2.4 generates
// (create(array $data = [])). Here create() returns the data it was given, so a test sees the parts.
namespace Magento\Framework\Mail;

class MimeMessageInterfaceFactory
{
    public function create(array $data = [])
    {
        return $data;
    }
}
