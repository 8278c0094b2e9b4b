/** Preview environments per pull request (PreviewSet): the controller is this folder's public face. */
export { PreviewController, type PreviewControllerDeps, type PreviewLog } from './preview-controller.js';
