<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Config\Source;

use Icsync\ErpSync\Model\Outbox\EventTypes as Types;
use Magento\Framework\Data\OptionSourceInterface;

final class EventTypes implements OptionSourceInterface
{
    public function toOptionArray(): array
    {
        $labels = [
            Types::PLACED => __('Order placed'),
            Types::INVOICED => __('Order invoiced (paid)'),
            Types::SHIPPED => __('Order shipped'),
            Types::CANCELED => __('Order canceled'),
            Types::CHANGED => __('Address or buyer changed'),
        ];
        $options = [];
        foreach ($labels as $value => $label) {
            $options[] = ['value' => $value, 'label' => $label];
        }
        return $options;
    }
}
