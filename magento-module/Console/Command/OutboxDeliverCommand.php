<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Console\Command;

use Icsync\ErpSync\Model\Outbox\Deliverer;
use Icsync\ErpSync\Model\Outbox\OutboxStore;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Input\InputOption;
use Symfony\Component\Console\Output\OutputInterface;

/** bin/magento icsync:outbox:deliver [--limit N] [--retry-parked] */
final class OutboxDeliverCommand extends Command
{
    public function __construct(private Deliverer $deliverer, private OutboxStore $store)
    {
        parent::__construct();
    }

    protected function configure(): void
    {
        $this->setName('icsync:outbox:deliver')
            ->setDescription('Deliver the waiting icsync order events now, in order (the cron job does the same every minute).')
            ->addOption('limit', null, InputOption::VALUE_REQUIRED, 'At most this many events', '100')
            ->addOption('retry-parked', null, InputOption::VALUE_NONE, 'Put parked events back in the queue first');
        parent::configure();
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        if ($input->getOption('retry-parked')) {
            $output->writeln(sprintf('%d parked event(s) back in the queue.', $this->store->unpark()));
        }
        $result = $this->deliverer->run(max(1, (int) $input->getOption('limit')));
        if ($result['message'] !== null) {
            $output->writeln($result['message']);
            return Command::FAILURE;
        }
        $output->writeln(sprintf(
            'delivered %d, failed %d (retried later), parked %d, waiting for a retry %d',
            $result['delivered'],
            $result['failed'],
            $result['parked'],
            $result['waiting']
        ));
        return $result['failed'] > 0 || $result['parked'] > 0 ? Command::FAILURE : Command::SUCCESS;
    }
}
