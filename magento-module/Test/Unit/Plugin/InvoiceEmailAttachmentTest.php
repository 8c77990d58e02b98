<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Plugin;

use Icsync\ErpSync\Model\Attachment\AttachmentService;
use Icsync\ErpSync\Model\Attachment\MailAttachments;
use Icsync\ErpSync\Model\Attachment\PendingInvoiceEmail;
use Icsync\ErpSync\Model\Attachment\SqlAttachmentStore;
use Icsync\ErpSync\Model\Attachment\SqlInvoiceLookup;
use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Model\SystemClock;
use Icsync\ErpSync\Plugin\AttachInvoicePdfs;
use Icsync\ErpSync\Plugin\CaptureInvoiceEmail;
use Icsync\ErpSync\Test\Harness\SqliteSchema;
use Magento\Framework\Mail\MimeMessageInterfaceFactory;
use Magento\Framework\Mail\MimePartInterfaceFactory;
use Magento\Framework\Mail\Template\TransportBuilder;
use PHPUnit\Framework\TestCase;

/** The two plugins in the order Magento 2.4's TransportBuilder calls them for one mail. */
final class InvoiceEmailAttachmentTest extends TestCase
{
    private PdoDatabase $db;
    private AttachmentService $service;
    private PendingInvoiceEmail $pending;
    private CaptureInvoiceEmail $capture;
    private AttachInvoicePdfs $attach;

    protected function setUp(): void
    {
        $pdo = new \PDO('sqlite::memory:');
        SqliteSchema::create($pdo, dirname(__DIR__, 3) . '/etc/db_schema.xml');
        $this->db = new PdoDatabase($pdo);
        $this->service = new AttachmentService(new SqlAttachmentStore($this->db), new SqlInvoiceLookup($this->db), new ArrayModuleConfig(), new SystemClock());
        $this->pending = new PendingInvoiceEmail();
        $this->capture = new CaptureInvoiceEmail($this->pending);
        $this->attach = new AttachInvoicePdfs($this->pending, new MailAttachments(new SqlAttachmentStore($this->db)), new MimePartInterfaceFactory());
    }

    private function invoice(): int
    {
        return $this->db->insert('sales_invoice', ['order_id' => $this->db->insert('sales_order', ['customer_id' => null])]);
    }

    /** One mail: template variables, then the MIME message from its parts, then the transport. */
    private function buildMail(array $templateVars): array
    {
        $builder = new TransportBuilder();
        $this->capture->beforeSetTemplateVars($builder, $templateVars);
        $data = ['parts' => ['body']];
        $arguments = $this->attach->beforeCreate(new MimeMessageInterfaceFactory(), $data) ?? [$data];
        $message = (new MimeMessageInterfaceFactory())->create(...$arguments);
        $this->capture->afterGetTransport($builder, 'transport');
        return $message['parts'];
    }

    public function testAnInvoiceMailCarriesEveryAttachmentAsAPdfFile(): void
    {
        $invoice = $this->invoice();
        $this->service->add($invoice, 'racun.pdf', 'application/pdf', base64_encode('%PDF-1 a'));
        $this->service->add($invoice, 'racun.pdf', 'application/pdf', base64_encode('%PDF-1 b'));
        $this->service->add($invoice, 'dobavnica.pdf', 'application/pdf', base64_encode('%PDF-1 c'));
        $invoiceObject = new class ($invoice) {
            public function __construct(private int $id)
            {
            }

            public function getId()
            {
                return (string) $this->id;
            }
        };
        $parts = $this->buildMail(['invoice' => $invoiceObject, 'order' => null]);
        self::assertSame('body', $parts[0]);
        self::assertSame([
            ['content' => '%PDF-1 a', 'type' => 'application/pdf', 'fileName' => 'racun.pdf', 'disposition' => 'attachment', 'encoding' => 'base64'],
            ['content' => '%PDF-1 b', 'type' => 'application/pdf', 'fileName' => 'racun (2).pdf', 'disposition' => 'attachment', 'encoding' => 'base64'],
            ['content' => '%PDF-1 c', 'type' => 'application/pdf', 'fileName' => 'dobavnica.pdf', 'disposition' => 'attachment', 'encoding' => 'base64'],
        ], array_slice($parts, 1));
        self::assertNull($this->pending->current(), 'the next mail starts clean');
    }

    public function testOtherMailsAndInvoicesWithoutDocumentsAreLeftAlone(): void
    {
        self::assertSame(['body'], $this->buildMail(['order' => 'an order mail']));
        self::assertSame(['body'], $this->buildMail(['invoice_id' => $this->invoice()]));
    }

    public function testAMailAfterAnInvoiceMailGetsNoAttachment(): void
    {
        $invoice = $this->invoice();
        $this->service->add($invoice, 'racun.pdf', 'application/pdf', base64_encode('%PDF-1 a'));
        self::assertCount(2, $this->buildMail(['invoice_id' => $invoice]));
        self::assertSame(['body'], $this->buildMail(['customer' => 'a password reset mail']));
    }
}
