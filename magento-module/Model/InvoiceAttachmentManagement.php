<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model;

use Icsync\ErpSync\Api\Data\InvoiceAttachmentInterface;
use Icsync\ErpSync\Api\InvoiceAttachmentManagementInterface;
use Icsync\ErpSync\Model\Attachment\AttachmentRejected;
use Icsync\ErpSync\Model\Attachment\AttachmentService;
use Icsync\ErpSync\Model\Data\InvoiceAttachmentMetadata;
use Magento\Framework\Exception\InputException;
use Magento\Framework\Exception\NoSuchEntityException;
use Magento\Framework\Phrase;

/**
 * The web API face of AttachmentService: a refusal becomes the Magento exception whose REST
 * rendering is the contract's error body (message with placeholders, parameters apart).
 */
final class InvoiceAttachmentManagement implements InvoiceAttachmentManagementInterface
{
    public function __construct(private AttachmentService $service)
    {
    }

    public function add($invoiceId, InvoiceAttachmentInterface $attachment)
    {
        try {
            return $this->service->add((int) $invoiceId, $attachment->getFileName(), $attachment->getMimeType(), $attachment->getContent());
        } catch (AttachmentRejected $e) {
            throw self::toMagento($e);
        }
    }

    public function getList($invoiceId)
    {
        try {
            return array_map(fn (array $row) => new InvoiceAttachmentMetadata($row), $this->service->listFor((int) $invoiceId));
        } catch (AttachmentRejected $e) {
            throw self::toMagento($e);
        }
    }

    public static function toMagento(AttachmentRejected $e): InputException|NoSuchEntityException
    {
        $phrase = new Phrase($e->template, $e->parameters);
        return $e->kind === AttachmentRejected::NOT_FOUND ? new NoSuchEntityException($phrase) : new InputException($phrase);
    }
}
