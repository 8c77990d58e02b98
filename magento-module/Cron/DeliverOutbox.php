<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Cron;

use Icsync\ErpSync\Model\Outbox\Deliverer;
use Psr\Log\LoggerInterface;

/** Every minute (etc/crontab.xml): one delivery pass of the outbox. */
final class DeliverOutbox
{
    public function __construct(private Deliverer $deliverer, private LoggerInterface $logger)
    {
    }

    public function execute(): void
    {
        $result = $this->deliverer->run();
        if ($result['failed'] > 0 || $result['parked'] > 0) {
            $this->logger->warning('icsync outbox: delivery failed', $result);
        }
    }
}
