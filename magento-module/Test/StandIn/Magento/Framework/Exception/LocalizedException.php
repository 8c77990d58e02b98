<?php
// Stand-in for Magento\Framework\Exception\LocalizedException (2.4): same constructor,
// getRawMessage() and getParameters(), which the REST error renderer reads.
namespace Magento\Framework\Exception;

use Magento\Framework\Phrase;

class LocalizedException extends \Exception
{
    protected $phrase;

    public function __construct(Phrase $phrase, \Exception $cause = null, $code = 0)
    {
        $this->phrase = $phrase;
        parent::__construct($phrase->render(), (int) $code, $cause);
    }

    public function getRawMessage()
    {
        return $this->phrase->getText();
    }

    public function getParameters()
    {
        return $this->phrase->getArguments();
    }
}
