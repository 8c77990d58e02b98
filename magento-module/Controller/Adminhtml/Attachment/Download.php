<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Controller\Adminhtml\Attachment;

use Icsync\ErpSync\Model\Attachment\AttachmentStore;
use Magento\Backend\App\Action;
use Magento\Backend\App\Action\Context;
use Magento\Framework\App\Action\HttpGetActionInterface;
use Magento\Framework\App\Filesystem\DirectoryList;
use Magento\Framework\App\Response\Http\FileFactory;

/** Admin: icsync/attachment/download/id/N — for users allowed to see invoices. */
final class Download extends Action implements HttpGetActionInterface
{
    public const ADMIN_RESOURCE = 'Magento_Sales::sales_invoice';

    public function __construct(Context $context, private AttachmentStore $store, private FileFactory $fileFactory)
    {
        parent::__construct($context);
    }

    public function execute()
    {
        $attachment = $this->store->get((int) $this->getRequest()->getParam('id'));
        if ($attachment === null) {
            $this->messageManager->addErrorMessage(__('This attachment no longer exists.'));
            return $this->resultRedirectFactory->create()->setRefererOrBaseUrl();
        }
        return $this->fileFactory->create($attachment['file_name'], $attachment['content'], DirectoryList::VAR_DIR, $attachment['mime_type']);
    }
}
