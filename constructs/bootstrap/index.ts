// From an empty Google Cloud project to a deployable platform.
export * from './platform-bootstrap-props';
export * from './platform-services';
export * from './platform-bootstrap';
