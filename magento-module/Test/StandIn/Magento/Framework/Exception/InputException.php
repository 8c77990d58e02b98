<?php
// Stand-in for Magento\Framework\Exception\InputException (2.4): same constructor and default
// phrase. Magento's class extends AbstractAggregateException (which extends LocalizedException);
// the aggregation of several errors is left out because the module raises one error at a time.
namespace Magento\Framework\Exception;

use Magento\Framework\Phrase;

class InputException extends LocalizedException
{
    public const DEFAULT_MESSAGE = 'One or more input exceptions have occurred.';

    public function __construct(Phrase $phrase = null, \Exception $cause = null, $code = 0)
    {
        if ($phrase === null) {
            $phrase = new Phrase(self::DEFAULT_MESSAGE);
        }
        parent::__construct($phrase, $cause, $code);
    }
}
