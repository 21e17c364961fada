import './styles.css';
import { App } from './ui/App';

// Boot only: the App decides the screen from the URL (landing, ?join=CODE, ?play=CODE, ?host=CODE, ?solo).
new App(document).route(new URL(location.href));
