<?php
// Stand-in for Magento\Framework\Mail\Template\TransportBuilder (2.4): only the two public methods
// the module's plugin hooks, with Magento's signatures. No behaviour: the plugin is called around them.
namespace Magento\Framework\Mail\Template;

class TransportBuilder
{
    public function setTemplateVars($templateVars)
    {
        return $this;
    }

    public function getTransport()
    {
        return null;
    }
}
