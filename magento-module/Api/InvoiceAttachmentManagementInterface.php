<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Api;

/**
 * ERP documents attached to Magento invoices (REST: /V1/icsync/invoices/:invoiceId/attachments).
 * The contract, with every rule and error body, is docs/magento-module-api.md in the icsync repository.
 *
 * @api
 */
interface InvoiceAttachmentManagementInterface
{
    /**
     * Attach a PDF document to an invoice. Uploading the same bytes under the same file name to
     * the same invoice again returns the id of the first upload and stores nothing new.
     *
     * @param int $invoiceId
     * @param \Icsync\ErpSync\Api\Data\InvoiceAttachmentInterface $attachment
     * @return int the attachment id
     * @throws \Magento\Framework\Exception\InputException
     * @throws \Magento\Framework\Exception\NoSuchEntityException
     */
    public function add($invoiceId, \Icsync\ErpSync\Api\Data\InvoiceAttachmentInterface $attachment);

    /**
     * The attachments of an invoice, oldest first: metadata only, never the content.
     *
     * @param int $invoiceId
     * @return \Icsync\ErpSync\Api\Data\InvoiceAttachmentMetadataInterface[]
     * @throws \Magento\Framework\Exception\NoSuchEntityException
     */
    public function getList($invoiceId);
}
