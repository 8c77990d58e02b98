<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Unit\Attachment;

use Icsync\ErpSync\Model\Attachment\AttachmentService;
use Icsync\ErpSync\Model\Attachment\DownloadPolicy;
use Icsync\ErpSync\Model\Attachment\SqlAttachmentStore;
use Icsync\ErpSync\Model\Attachment\SqlInvoiceLookup;
use Icsync\ErpSync\Model\Config\ArrayModuleConfig;
use Icsync\ErpSync\Model\Data\InvoiceAttachment;
use Icsync\ErpSync\Model\Db\PdoDatabase;
use Icsync\ErpSync\Model\InvoiceAttachmentManagement;
use Icsync\ErpSync\Model\SystemClock;
use Icsync\ErpSync\Test\Harness\SqliteSchema;
use Magento\Framework\Exception\InputException;
use Magento\Framework\Exception\NoSuchEntityException;
use PHPUnit\Framework\TestCase;

final class WebApiAndDownloadTest extends TestCase
{
    private PdoDatabase $db;
    private InvoiceAttachmentManagement $api;

    protected function setUp(): void
    {
        $pdo = new \PDO('sqlite::memory:');
        SqliteSchema::create($pdo, dirname(__DIR__, 3) . '/etc/db_schema.xml');
        $this->db = new PdoDatabase($pdo);
        $this->api = new InvoiceAttachmentManagement(new AttachmentService(new SqlAttachmentStore($this->db), new SqlInvoiceLookup($this->db), new ArrayModuleConfig(), new SystemClock()));
    }

    private function invoice(?int $customerId): int
    {
        return $this->db->insert('sales_invoice', ['order_id' => $this->db->insert('sales_order', ['customer_id' => $customerId])]);
    }

    public function testRefusalsBecomeTheMagentoExceptionsWhoseRenderingIsTheContractsBody(): void
    {
        $invoice = $this->invoice(1);
        try {
            $this->api->add($invoice, (new InvoiceAttachment())->setFileName('a.txt')->setMimeType('text/plain')->setContent('eA=='));
            self::fail('refused');
        } catch (InputException $e) {
            self::assertSame('The attachment type "%1" is not allowed. Only PDF documents can be attached.', $e->getRawMessage());
            self::assertSame(['text/plain'], $e->getParameters());
        }
        try {
            $this->api->getList(404);
            self::fail('refused');
        } catch (NoSuchEntityException $e) {
            self::assertSame("The entity that was requested doesn't exist. Verify the entity and try again.", $e->getRawMessage());
            self::assertSame([], $e->getParameters());
        }
        $id = $this->api->add($invoice, (new InvoiceAttachment())->setFileName('a.pdf')->setMimeType('application/pdf')->setContent(base64_encode('%PDF-1.7')));
        $list = $this->api->getList($invoice);
        self::assertSame($id, $list[0]->getAttachmentId());
        self::assertSame(8, $list[0]->getSize());
    }

    public function testOnlyTheBuyerWhoOwnsTheOrderMayDownloadInTheStorefront(): void
    {
        $store = new SqlAttachmentStore($this->db);
        $mine = $this->invoice(7);
        $guest = $this->invoice(null);
        $service = new AttachmentService($store, new SqlInvoiceLookup($this->db), new ArrayModuleConfig(), new SystemClock());
        $policy = new DownloadPolicy(new SqlInvoiceLookup($this->db));
        $attachment = $store->get($service->add($mine, 'a.pdf', 'application/pdf', base64_encode('%PDF-1.7')));
        $guestAttachment = $store->get($service->add($guest, 'a.pdf', 'application/pdf', base64_encode('%PDF-1.7')));
        self::assertSame('%PDF-1.7', $attachment['content']);
        self::assertTrue($policy->customerMayDownload(7, $attachment));
        self::assertFalse($policy->customerMayDownload(8, $attachment), 'another customer');
        self::assertFalse($policy->customerMayDownload(null, $attachment), 'nobody logged in');
        self::assertFalse($policy->customerMayDownload(7, $guestAttachment), 'a guest order has no owner to log in');
        self::assertFalse($policy->customerMayDownload(0, $guestAttachment));
    }
}
