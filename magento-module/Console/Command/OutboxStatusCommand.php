<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Console\Command;

use Icsync\ErpSync\Model\Outbox\OutboxStore;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\OutputInterface;

/** bin/magento icsync:outbox:status: counts, the oldest waiting event, and every parked one with its last error. */
final class OutboxStatusCommand extends Command
{
    public function __construct(private OutboxStore $store)
    {
        parent::__construct();
    }

    protected function configure(): void
    {
        $this->setName('icsync:outbox:status')->setDescription('Show the icsync order event outbox: waiting, delivered and parked events.');
        parent::configure();
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        $counts = $this->store->counts();
        $output->writeln(sprintf('pending %d, delivered %d, parked %d', $counts['pending'], $counts['delivered'], $counts['parked']));
        if ($counts['oldest_pending'] !== null) {
            $output->writeln(sprintf('oldest pending event recorded at %s UTC', $counts['oldest_pending']));
        }
        foreach ($this->store->parked(50) as $row) {
            $output->writeln(sprintf(
                'parked #%d %s order %s after %d attempt(s): %s',
                $row['outbox_id'],
                $row['event_type'],
                $row['increment_id'],
                $row['attempts'],
                $row['last_error'] ?? ''
            ));
        }
        if ($counts['parked'] > 0) {
            $output->writeln('Fix the cause, then: bin/magento icsync:outbox:deliver --retry-parked');
        }
        return $counts['parked'] > 0 ? Command::FAILURE : Command::SUCCESS;
    }
}
