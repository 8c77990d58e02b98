<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Plugin;

use Icsync\ErpSync\Model\Attachment\AttachmentService;
use Icsync\ErpSync\Model\Attachment\MailAttachments;
use Icsync\ErpSync\Model\Attachment\PendingInvoiceEmail;
use Icsync\ErpSync\Model\Attachment\SqlAttachmentStore;
use Icsync\ErpSync\Model\Attachment\SqlInvoiceLookup;
use Icsync\ErpSync\Model\Attachment\SymfonyMailAttachments;
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
use Symfony\Component\Mime\Email;
use Symfony\Component\Mime\Part\DataPart;
use Symfony\Component\Mime\Part\Multipart\MixedPart;
use Symfony\Component\Mime\Part\TextPart;

/** The two plugins in the order Magento 2.4's TransportBuilder calls them for one mail (Laminas mail up to 2.4.7, Symfony Mime from 2.4.8). */
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
        $mailAttachments = new MailAttachments(new SqlAttachmentStore($this->db));
        $this->capture = new CaptureInvoiceEmail($this->pending, $mailAttachments, new SymfonyMailAttachments());
        $this->attach = new AttachInvoicePdfs($this->pending, $mailAttachments, new MimePartInterfaceFactory());
    }

    private function invoice(): int
    {
        return $this->db->insert('sales_invoice', ['order_id' => $this->db->insert('sales_order', ['customer_id' => null])]);
    }

    /** One mail up to 2.4.7: template variables, then the MIME message from its parts, then the transport. */
    private function buildMail(array $templateVars, ?object $transport = null): array
    {
        $builder = new TransportBuilder();
        $this->capture->beforeSetTemplateVars($builder, $templateVars);
        $data = ['parts' => ['body']];
        $arguments = $this->attach->beforeCreate(new MimeMessageInterfaceFactory(), $data) ?? [$data];
        $message = (new MimeMessageInterfaceFactory())->create(...$arguments);
        $this->capture->afterGetTransport($builder, $transport ?? 'transport');
        return $message['parts'];
    }

    /** A transport as Magento 2.4.8 returns it: its message wraps a Symfony Email. */
    private static function symfonyTransport(Email $email): object
    {
        return new class ($email) {
            public function __construct(private Email $email)
            {
            }

            public function getMessage(): object
            {
                return new class ($this->email) {
                    public function __construct(private Email $email)
                    {
                    }

                    public function getSymfonyMessage(): Email
                    {
                        return $this->email;
                    }
                };
            }
        };
    }

    /** One mail from 2.4.8: template variables, then the finished transport (no MIME factory). */
    private function buildSymfonyMail(array $templateVars): Email
    {
        $email = (new Email())->setBody(new TextPart('<p>Your invoice</p>', 'utf-8', 'html'));
        $builder = new TransportBuilder();
        $this->capture->beforeSetTemplateVars($builder, $templateVars);
        self::assertSame($transport = self::symfonyTransport($email), $this->capture->afterGetTransport($builder, $transport));
        return $email;
    }

    public function testOn248TheSymfonyMessageBecomesMixedWithThePdfs(): void
    {
        $invoice = $this->invoice();
        $this->service->add($invoice, 'racun.pdf', 'application/pdf', base64_encode('%PDF-1 a'));
        $email = $this->buildSymfonyMail(['invoice_id' => $invoice]);
        $body = $email->getBody();
        self::assertInstanceOf(MixedPart::class, $body);
        [$text, $pdf] = $body->getParts();
        self::assertInstanceOf(TextPart::class, $text);
        self::assertSame('<p>Your invoice</p>', $text->body);
        self::assertInstanceOf(DataPart::class, $pdf);
        self::assertSame(['%PDF-1 a', 'racun.pdf', 'application/pdf'], [$pdf->body, $pdf->getFilename(), $pdf->getContentType()]);
        self::assertNull($this->pending->current());

        self::assertInstanceOf(TextPart::class, $this->buildSymfonyMail(['order' => 'an order mail'])->getBody(), 'other mails untouched');
    }

    public function testDocumentsAreNotAddedTwiceWhenBothHooksSeeTheMail(): void
    {
        $invoice = $this->invoice();
        $this->service->add($invoice, 'racun.pdf', 'application/pdf', base64_encode('%PDF-1 a'));
        $email = (new Email())->setBody(new TextPart('body'));
        self::assertCount(2, $this->buildMail(['invoice_id' => $invoice], self::symfonyTransport($email)));
        self::assertInstanceOf(TextPart::class, $email->getBody());
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
